-- Row 9: a client-credentials grant per request (Authorization: Basic is given with -H).
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=organizations%3Aread"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
