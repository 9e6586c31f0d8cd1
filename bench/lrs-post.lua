-- wrk script: POST batches of realistic statements (context and result) to /xapi/statements.
-- BATCH (env) statements per request; AUTH (env) base64 key:secret; XAPI_VERSION (env, 2.0.0).
local batch = tonumber(os.getenv("BATCH") or "100")
local auth = "Basic " .. (os.getenv("AUTH") or "")
local function statement(i)
  return string.format([[{"actor":{"objectType":"Agent","account":{"homePage":"http://bench.example.cn","name":"learner-%d"}},
"verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"zh-CN":"回答","en-US":"answered"}},
"object":{"objectType":"Activity","id":"http://bench.example.cn/items/%d","definition":{"type":"http://adlnet.gov/expapi/activities/cmi.interaction","interactionType":"choice","choices":[{"id":"a","description":{"zh-CN":"挂断电话"}},{"id":"b","description":{"zh-CN":"按对方说的转账"}}]}},
"result":{"score":{"scaled":0.75,"raw":3,"min":0,"max":4},"success":true,"completion":true,"response":"a","duration":"PT42S"},
"context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"Suyang","language":"zh-CN",
"contextActivities":{"parent":[{"id":"http://bench.example.cn/assessments/1"}],"grouping":[{"id":"http://bench.example.cn/programmes/anti-fraud"}]}},
"timestamp":"2026-11-29T08:00:00.000Z"}]], i % 5000, i % 300)
end
local parts = {}
for i = 1, batch do parts[#parts + 1] = statement(i) end
local body = "[" .. table.concat(parts, ",") .. "]"
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Experience-API-Version"] = os.getenv("XAPI_VERSION") or "2.0.0"
wrk.headers["Authorization"] = auth
