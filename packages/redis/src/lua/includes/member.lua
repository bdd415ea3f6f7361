-- @include keys, reserve, member_at
local function member(id)
  return member_at(reserve(K.seq, 1) + 1, id)
end
