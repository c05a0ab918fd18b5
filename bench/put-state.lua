-- wrk script: READY / NOT_READY toggling for agents 1001-1010, each with its
-- own Basic credentials (password finesse). Used by bench/rest-load.sh.
local auth = {
  {"1001", "Basic MTAwMTpmaW5lc3Nl"},
  {"1002", "Basic MTAwMjpmaW5lc3Nl"},
  {"1003", "Basic MTAwMzpmaW5lc3Nl"},
  {"1004", "Basic MTAwNDpmaW5lc3Nl"},
  {"1005", "Basic MTAwNTpmaW5lc3Nl"},
  {"1006", "Basic MTAwNjpmaW5lc3Nl"},
  {"1007", "Basic MTAwNzpmaW5lc3Nl"},
  {"1008", "Basic MTAwODpmaW5lc3Nl"},
  {"1009", "Basic MTAwOTpmaW5lc3Nl"},
  {"1010", "Basic MTAxMDpmaW5lc3Nl"},
}
local n = 0
local bodies = {"<User><state>READY</state></User>", "<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>"}
request = function()
  n = n + 1
  local a = auth[(n % #auth) + 1]
  local body = bodies[(math.floor(n / #auth) % 2) + 1]
  return wrk.format("PUT", "/finesse/api/User/" .. a[1], {["Authorization"] = a[2], ["Content-Type"] = "application/xml"}, body)
end
