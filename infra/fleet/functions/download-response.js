// CloudFront Function (viewer response) on /download/*: the headers nginx gives a download,
// and a GIF past its TTL (S3's lifecycle counts whole days, and runs late) refused as 404 in
// the contract's JSON, like anything the bucket does not have (S3 says 403 or 404).
var TTL_MS = {{ttl_s}} * 1000;
var NOT_FOUND = JSON.stringify({
    error: { code: "not_found", message: "There is no such GIF; it may have expired." },
});
var SERVED = { 200: true, 206: true };

function handler(event) {
    var request = event.request;
    var response = event.response;
    if (response.statusCode === 304) {
        return response; // the viewer's copy is still good (it may carry no Last-Modified)
    }
    var modified = response.headers["last-modified"];
    var madeAt = modified ? Date.parse(modified.value) : NaN;
    if (!SERVED[response.statusCode] || isNaN(madeAt) || madeAt + TTL_MS < Date.now()) {
        return notFound(response);
    }
    var name = request.uri.split("/").pop();
    var inline = request.querystring.inline && request.querystring.inline.value === "1";
    response.headers["content-type"] = { value: "image/gif" };
    response.headers["content-disposition"] = {
        value: inline ? "inline" : 'attachment; filename="' + name + '"',
    };
    response.headers["x-content-type-options"] = { value: "nosniff" };
    return response;
}

function notFound(response) {
    response.statusCode = 404;
    response.statusDescription = "Not Found";
    response.headers = {
        "content-type": { value: "application/json" },
        "x-content-type-options": { value: "nosniff" },
        "cache-control": { value: "no-store" },
    };
    response.body = { encoding: "text", data: NOT_FOUND };
    return response;
}
