-- expect: E-PROFILE-FIELD
return yoi.profile { ["sk-CANARYhostile6"] = true }
