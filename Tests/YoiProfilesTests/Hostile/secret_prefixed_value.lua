-- expect: E-PROFILE-SECRET
return yoi.profile { description = "sk-CANARYhostile2" }
