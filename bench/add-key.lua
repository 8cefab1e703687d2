-- Row 7: addOrganizationApiKey, one generated key per request (x-api-key is given with -H).
wrk.method = "POST"
wrk.body = '{"name":"bench","role":"member"}'
wrk.headers["Content-Type"] = "application/json"
