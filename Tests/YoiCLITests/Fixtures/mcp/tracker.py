# A Streamable HTTP MCP server (official SDK) on 127.0.0.1:PORT; it checks the Authorization
# header yoi sends, and says only whether it matched.
import sys
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.server import Context

port, expected = int(sys.argv[1]), sys.argv[2]
server = MCPServer("tracker")
issues = []

@server.tool()
def file_issue(title: str, ctx: Context) -> str:
    """File an issue and return its number."""
    request = ctx.request_context.request
    auth = request.headers.get("authorization") if request is not None else None
    if auth != "Bearer " + expected:
        raise ValueError("unauthorized")
    issues.append(title)
    return f"issue #{len(issues)}: {title}"

if __name__ == "__main__":
    server.run(transport="streamable-http", host="127.0.0.1", port=port)
