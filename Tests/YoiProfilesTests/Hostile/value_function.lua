return yoi.profile { description = function() end }
