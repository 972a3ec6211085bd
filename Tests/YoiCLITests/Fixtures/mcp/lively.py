# An MCP server (official SDK) whose life is eventful: it changes its tool list, reports
# progress, goes quiet, dies mid-call, and waits for ever. Each process counts its own calls,
# so a restart shows as a count back at 1.
import asyncio, os, sys
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.server import Context

server = MCPServer("lively")
state = {"calls": 0}

@server.tool()
def count() -> str:
    """Count this process's calls."""
    state["calls"] += 1
    return f"calls={state['calls']} pid={os.getpid()}"

@server.tool()
async def grow(ctx: Context) -> str:
    """Add a tool named double, and say the list changed."""
    def double(value: int) -> str:
        """Double a number."""
        return f"doubled={value * 2}"
    server.add_tool(double)
    await ctx.session.send_tool_list_changed()
    return "grown"

@server.tool()
async def crawl(seconds: float, progress: bool, ctx: Context) -> str:
    """Work for a while, reporting progress every 0.2 s when asked to."""
    elapsed = 0.0
    while elapsed < seconds:
        await asyncio.sleep(0.2)
        elapsed += 0.2
        if progress:
            await ctx.report_progress(elapsed, seconds, "crawling")
    return f"crawled {seconds}"

@server.tool()
def die() -> str:
    """Exit in the middle of the call."""
    sys.stdout.flush()
    os._exit(3)

@server.tool()
async def wait(marker: str) -> str:
    """Write this process's pid to the marker file, then wait for a minute."""
    with open(marker, "w") as f:
        f.write(str(os.getpid()))
    await asyncio.sleep(60)
    return "waited"

if __name__ == "__main__":
    server.run()
