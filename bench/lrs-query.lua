-- wrk script: GET /xapi/statements with one filter combination over the synthetic store that
-- `suyang lrs generate` loads (5,000 learners, 300 items, 50 statements per registration).
-- QUERY (env): agent_verb | activity_since | registration; AUTH: base64 key:secret;
-- SINCE: an ISO 8601 timestamp; REGISTRATIONS: a file of registration ids, one per line.
local query = os.getenv("QUERY") or "agent_verb"
local auth = "Basic " .. (os.getenv("AUTH") or "")
local since = os.getenv("SINCE") or "2026-01-01T00:00:00Z"
local verbs = { "answered", "attempted", "experienced", "completed", "passed", "failed" }
local registrations = {}
local file = os.getenv("REGISTRATIONS")
if file then
  for line in io.lines(file) do registrations[#registrations + 1] = line end
end
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
math.randomseed(42)
request = function()
  local q
  if query == "agent_verb" then
    local agent = string.format('{"account":{"homePage":"http://bench.example.cn","name":"learner-%d"}}', math.random(0, 4999))
    q = "agent=" .. encode(agent) .. "&verb=" .. encode("http://adlnet.gov/expapi/verbs/" .. verbs[math.random(1, 6)])
  elseif query == "activity_since" then
    q = "activity=" .. encode(string.format("http://bench.example.cn/items/%d", math.random(0, 299))) .. "&since=" .. encode(since)
  else
    q = "registration=" .. registrations[math.random(1, #registrations)]
  end
  return wrk.format("GET", "/xapi/statements?" .. q, {
    ["Authorization"] = auth,
    ["X-Experience-API-Version"] = "2.0.0",
  })
end
