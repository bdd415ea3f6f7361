-- An index member: the 16-digit sequence number (FIFO among equal scores), then the job id.
local function member_at(seq, id)
  return string.format('%016d:%s', seq, id)
end
