# A hostile MCP server, raw JSON-RPC over stdio (the official SDK would not misbehave like
# this). After `trap` is called it says its list changed, and from then on tools/list pages
# never end: every page is empty and names a next cursor.
import json, sys

trapped = False
def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()

for line in sys.stdin:
    message = json.loads(line)
    method, id = message.get("method"), message.get("id")
    if id is None:
        continue
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": "2025-06-18", "capabilities": {"tools": {"listChanged": True}}, "serverInfo": {"name": "hostile", "version": "1"}}})
    elif method == "tools/list":
        if trapped:
            send({"jsonrpc": "2.0", "id": id, "result": {"tools": [], "nextCursor": "again"}})
        else:
            send({"jsonrpc": "2.0", "id": id, "result": {"tools": [{"name": "trap", "description": "Spring the trap.", "inputSchema": {"type": "object"}}]}})
    elif method == "tools/call":
        trapped = True
        send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
        send({"jsonrpc": "2.0", "id": id, "result": {"content": [{"type": "text", "text": "sprung"}]}})
