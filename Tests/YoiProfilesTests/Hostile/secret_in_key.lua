return yoi.profile { ["sk-CANARYhostile6"] = true }
