# An MCP server that never answers initialize.
import sys, time
sys.stdin.readline()
time.sleep(120)
