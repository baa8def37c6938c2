// CloudFront Function (viewer request) on /download/*: the bucket's key for /download/<id>.gif.
// Any other name is sent to a key that cannot exist, so the viewer response answers it as 404.
// The query string (?inline=1) is not in the cache key nor sent to the bucket; the viewer
// response reads it.
var GIF_PREFIX = "{{gif_prefix}}";
var GIF_PATH = /^\/download\/([0-9a-f]{32}\.gif)$/;

function handler(event) {
    var request = event.request;
    var match = GIF_PATH.exec(request.uri);
    request.uri = "/" + GIF_PREFIX + "/" + (match ? match[1] : "-");
    return request;
}
