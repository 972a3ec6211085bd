return yoi.profile { description = "sk-CANARYhostile2" }
