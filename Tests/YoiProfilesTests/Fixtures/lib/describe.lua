return function(word) return "built from a " .. word .. " module" end
