counter_loads = (counter_loads or 0) + 1
return { count = counter_loads }
