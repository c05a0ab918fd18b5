-- Commits one acd transaction, or nothing when something it read has
-- changed since (returns 0; the caller runs the transaction again).
--
-- KEYS: the event stream, the event sequence, the nr keys read, the nw
-- keys written.
-- ARGV: prefix, nr, nw, commit time, events retained, ne, nz; then the nr
-- versions read; then per write its op ("s" set, "d" delete), JSON, index
-- kind and id; then per event its nodes, payload and subscriptions user;
-- then per READY index entry its queue, op ("a" add, "r" remove), score
-- (READY since, in microseconds) and agent.
local prefix, nr, nw = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now, retain, ne, nz = ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local a = 8

local function version(key)
  local v = redis.call('GET', key)
  if not v then return 0 end
  return tonumber(string.match(v, '^(%d+):'))
end

for i = 1, nr do
  if version(KEYS[2 + i]) ~= tonumber(ARGV[a]) then return 0 end
  a = a + 1
end

for i = 1, nw do
  local key = KEYS[2 + nr + i]
  local op, data, kind, id = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  a = a + 4
  if op == 'd' then
    redis.call('DEL', key)
    if kind ~= '' then redis.call('SREM', prefix .. 'idx:' .. kind, id) end
  else
    redis.call('SET', key, string.format('%d', version(key) + 1) .. ':' .. data)
    if kind ~= '' then redis.call('SADD', prefix .. 'idx:' .. kind, id) end
  end
end

for i = 1, ne do
  local n = redis.call('INCR', KEYS[2])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', retain, string.format('%d-0', n),
    'n', ARGV[a], 'p', ARGV[a + 1], 's', ARGV[a + 2], 't', now)
  a = a + 3
end

for i = 1, nz do
  local key = prefix .. 'ready:' .. ARGV[a]
  if ARGV[a + 1] == 'a' then
    redis.call('ZADD', key, ARGV[a + 2], ARGV[a + 3])
  else
    redis.call('ZREM', key, ARGV[a + 3])
  end
  a = a + 4
end
return 1
