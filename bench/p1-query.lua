-- P1: POST one manifest-linked tracking number to the public query endpoint (see bench/p1-query.sh).
wrk.method = "POST"
wrk.body = '{"tracking_number":"' .. (os.getenv("P1_TRACKING_NUMBER") or "BENCHP1000001") .. '"}'
wrk.headers["Content-Type"] = "application/json"
