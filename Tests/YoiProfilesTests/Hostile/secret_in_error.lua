error("leaking sk-CANARYhostile5 through an error")
