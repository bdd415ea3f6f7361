-- @include record
-- The X tag (flags) of a record being rewritten, which drops its old one (pattern ',X[^,]*'):
-- its flags, plus `add` (e: errors kept, g: progress kept) if given.
local function flags_of(tags, add)
  local flags = rec_tag(tags, 'X') or ''
  if add and not string.find(flags, add, 1, true) then flags = flags .. add end
  return flags ~= '' and (',X' .. flags) or ''
end
