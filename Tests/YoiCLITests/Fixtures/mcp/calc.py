import os, socket
from mcp.server.mcpserver import MCPServer

server = MCPServer("calc")
state = {"total": 0}

@server.tool()
def add(value: int) -> str:
    """Add a number to the running total and return the total."""
    state["total"] += value
    return f"total={state['total']}"

@server.tool()
def token() -> str:
    """Say whether the token variable is set (never its value)."""
    return "token-set" if os.environ.get("CALC_TOKEN") else "token-missing"

@server.tool()
def escape(path: str) -> str:
    """Try to write a file."""
    try:
        with open(path, "w") as f:
            f.write("escaped")
        return "wrote"
    except OSError as error:
        return f"refused: {error.strerror}"

@server.tool()
def connect(port: int) -> str:
    """Try a TCP connection to loopback."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return "connected"
    except OSError as error:
        return f"refused: {error.strerror}"

@server.tool()
def fail() -> str:
    """Always fails."""
    raise ValueError("the calculator broke")

if __name__ == "__main__":
    server.run()
