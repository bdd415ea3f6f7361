-- The state a record's letter stands for (record.lua); 'dead' for a letter no record should hold.
local function state_name(letter)
  if letter == 'w' then return 'waiting' elseif letter == 'l' then return 'delayed' elseif letter == 'a' then return 'active'
  elseif letter == 'c' then return 'completed' elseif letter == 'x' then return 'expired' elseif letter == 'k' then return 'cancelled' elseif letter == 'b' then return 'blocked' end
  return 'dead'
end
