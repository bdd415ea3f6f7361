-- Times in a record are base-36 ms (8 characters instead of 13): every byte of a waiting job counts.
local B36_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
local function b36(n)
  local text = ''
  repeat
    local digit = n % 36
    text = string.sub(B36_DIGITS, digit + 1, digit + 1) .. text
    n = (n - digit) / 36
  until n == 0
  return text
end
