/*
 * Copyright 2026 the laio authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */


package io.laio.examples.http;

import java.nio.ByteBuffer;

/**
 * Writes a response's head into a set's out buffer and flips it for sending: a file's (after
 * the conditional and range questions are answered), an error's with its small HTML body, and a
 * directory's redirect. Loop thread only; one per {@link Connection}, which so keeps the
 * Last-Modified text of the file it served last (clients mostly ask for the same files again).
 * What happens on the socket afterwards is the connection's business.
 */
final class ResponseWriter {
    private final HttpDates dates;
    private long lastModifiedSecond;
    private String lastModified;

    ResponseWriter(HttpDates dates) {
        this.dates = dates;
    }

    /**
     * The head for a regular file of {@code fileSize} bytes modified at {@code mtime}: 304 when
     * the request's If-Modified-Since is not older, 416 for a range outside the file, 206 for a
     * satisfiable one (resolved into {@code b.range}), else 200.
     *
     * @return the status written
     */
    int file(ConnectionBuffers b, long fileSize, long mtime, boolean keepAlive) {
        HttpRequest req = b.req;
        if (mtime != lastModifiedSecond || lastModified == null) {
            lastModified = HttpDates.format(mtime);
            lastModifiedSecond = mtime;
        }
        if (req.ifModifiedSince != null && notModifiedSince(req.ifModifiedSince, mtime)) {
            return fileHead(b, 304, 0, fileSize, keepAlive);
        }
        int ranged = b.range.resolve(req.range, fileSize);
        if (ranged == ByteRange.UNSATISFIABLE) {
            return fileHead(b, 416, 0, fileSize, keepAlive);
        }
        if (ranged == ByteRange.SATISFIABLE) {
            return fileHead(b, 206, b.range.length(), fileSize, keepAlive);
        }
        return fileHead(b, 200, fileSize, fileSize, keepAlive);
    }

    private boolean notModifiedSince(String since, long mtime) {
        if (since.equals(lastModified)) {
            return true; // a client mostly echoes the Last-Modified it was sent: that one needs no parsing
        }
        long t = HttpDates.parse(since);
        return t != Long.MIN_VALUE && mtime <= t;
    }

    private int fileHead(ConnectionBuffers b, int code, long contentLength, long fileSize, boolean keepAlive) {
        ByteBuffer out = start(b, code);
        if (code == 416) {
            ResponseHead.header(out, "Content-Range", "bytes */" + fileSize);
            ResponseHead.header(out, "Content-Length", "0");
        } else if (code != 304) {
            ResponseHead.header(out, "Content-Type", MimeTypes.of(b.path.bytes, b.path.length));
            ResponseHead.header(out, "Content-Length", contentLength);
            ResponseHead.header(out, "Accept-Ranges", "bytes");
        }
        if (code == 206) {
            ResponseHead.header(out, "Content-Range", "bytes " + b.range.first + "-" + b.range.last + "/" + fileSize);
        }
        ResponseHead.header(out, "Last-Modified", lastModified);
        ResponseHead.end(out, keepAlive, b.req.version);
        out.flip();
        return code;
    }

    /**
     * An error's head and, unless the request was a HEAD, its HTML body.
     *
     * @return the body's length in bytes, 0 when none is sent
     */
    int error(ConnectionBuffers b, int code, boolean keepAlive) {
        HttpRequest req = b.req;
        String reason = ResponseHead.reason(code);
        String body = "<html><head><title>" + code + " " + reason + "</title></head><body><h1>" + code + " " + reason
                + "</h1></body></html>\n";
        ByteBuffer out = start(b, code);
        if (code == 405) {
            ResponseHead.header(out, "Allow", "GET, HEAD");
        } else if (code == 503) {
            ResponseHead.header(out, "Retry-After", "1");
        }
        ResponseHead.header(out, "Content-Type", "text/html; charset=utf-8");
        ResponseHead.header(out, "Content-Length", body.length());
        ResponseHead.end(out, keepAlive, req.version == 0 ? 11 : req.version); // 0: the request line did not parse
        int sent = 0;
        if (req.method != HttpRequest.HEAD) {
            ResponseHead.ascii(out, body);
            sent = body.length();
        }
        out.flip();
        return sent;
    }

    /** A 301 to the directory's form of the target, with a slash before any query. */
    void redirectToDirectory(ConnectionBuffers b, boolean keepAlive) {
        ByteBuffer out = start(b, 301);
        String target = b.req.targetString();
        int q = target.indexOf('?');
        ResponseHead.header(out, "Location", q < 0 ? target + "/" : target.substring(0, q) + "/" + target.substring(q));
        ResponseHead.header(out, "Content-Length", "0");
        ResponseHead.end(out, keepAlive, b.req.version);
        out.flip();
    }

    private ByteBuffer start(ConnectionBuffers b, int code) {
        ByteBuffer out = b.out.clear();
        ResponseHead.status(out, code);
        ResponseHead.common(out, dates.now(System.currentTimeMillis()));
        return out;
    }
}
