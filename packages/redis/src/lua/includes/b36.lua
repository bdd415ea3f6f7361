-- Times in a record are base-36 ms (8 characters instead of 13): every byte of a waiting job counts.
-- Digits collected as character codes and made into one string: no string per digit.
local B36_CODES = '0123456789abcdefghijklmnopqrstuvwxyz'
local function b36(n)
  local codes, count = {}, 0
  repeat
    local digit = n % 36
    count = count + 1
    codes[count] = string.byte(B36_CODES, digit + 1)
    n = (n - digit) / 36
  until n == 0
  -- Most significant first.
  for i = 1, math.floor(count / 2) do codes[i], codes[count + 1 - i] = codes[count + 1 - i], codes[i] end
  return string.char(unpack(codes))
end
