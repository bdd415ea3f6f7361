-- @include keys
-- The index of each state a job hash's field s may name.
local STATE_KEY = { waiting = K.waiting, delayed = K.delayed, active = K.active, completed = K.completed, dead = K.dead }
