#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the send tests, with faults on cue.

Every message it accepts is recorded, before its 250 goes out, as one JSON line in --record
(recipient, envelope sender, Message-ID, size), and with --save-dir as a file of its own, so a
test can count what arrived. Faults are chosen from the recipient's address (a hash), never at
random, so a run is the same every time:

  --tempfail-every N     the first attempt of every Nth address gets 421, 450 or 454 in turn
  --reject-every N       every Nth address gets 550 (permanently)
  --drop-mid-data-every N   the first attempt of every Nth address: after 354 the server reads
                         a little of the message and closes the connection
  --no-reply-every N     the first attempt of every Nth address: the whole message is read,
                         then the connection closes without a reply (nothing recorded)
  --tls-cert/--tls-key   offer STARTTLS (and require it with --require-tls), or with
                         --implicit-tls speak TLS from the first byte (smtps)
  --auth USER:PASSWORD   require AUTH (PLAIN or LOGIN) after STARTTLS

It writes its port to --ready once it listens (port 0 picks a free one).
"""
import argparse, asyncio, base64, hashlib, json, os, ssl, sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def bucket(address, n):
    """A stable number 0..n-1 for an address."""
    return int(hashlib.sha256(address.lower().encode()).hexdigest()[:8], 16) % n


class Faults:
    def __init__(self, args):
        self.args = args
        self.attempts = {}

    def first_attempt(self, address):
        n = self.attempts.get(address.lower(), 0)
        self.attempts[address.lower()] = n + 1
        return n == 0

    def hit(self, every, address, salt):
        return every > 0 and bucket(salt + address, every) == 0


class Handler:
    def __init__(self, args, faults):
        self.args = args
        self.faults = faults
        self.record = os.open(args.record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = self.args
        if self.faults.hit(a.reject_every, address, "reject"):
            return "550 5.1.1 <%s>: no such mailbox" % address
        if self.faults.hit(a.tempfail_every, address, "temp") and self.faults.first_attempt("temp:" + address):
            code = ["421 4.7.0 rate exceeded, try again later", "450 4.2.1 Too many requests", "454 4.7.1 Throttling"][bucket(address, 3)]
            return code
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        message_id = ""
        for line in data.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode("ascii", "replace")
        for rcpt in envelope.rcpt_tos:
            self.count += 1
            name = ""
            if self.args.save_dir:
                name = os.path.join(self.args.save_dir, "%06d-%d.eml" % (self.count, os.getpid()))
                with open(name, "wb") as f:
                    f.write(data)
            line = json.dumps({"rcpt": rcpt, "from": envelope.mail_from, "message_id": message_id,
                               "size": len(data), "file": name,
                               "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                               "auth": bool(session.authenticated),
                               "peer": list(session.peer) if session.peer else None}) + "\n"
            os.write(self.record, line.encode())
        return "250 2.0.0 Ok: queued as %d" % self.count


class FaultySMTP(SMTP):
    async def smtp_DATA(self, arg):
        faults = self.event_handler.faults
        a = faults.args
        rcpts = list(self.envelope.rcpt_tos) if self.envelope else []
        if rcpts and not arg:
            address = rcpts[0]
            if faults.hit(a.drop_mid_data_every, address, "drop") and faults.first_attempt("drop:" + address):
                await self.push("354 End data with <CR><LF>.<CR><LF>")
                try:
                    await asyncio.wait_for(self._reader.read(512), 5)
                except Exception:
                    pass
                self.transport.abort()
                return
            # One fault a message at most: an address never meets both.
            if faults.hit(a.no_reply_every, address, "noreply") and not faults.hit(a.drop_mid_data_every, address, "drop") \
                    and faults.first_attempt("noreply:" + address):
                await self.push("354 End data with <CR><LF>.<CR><LF>")
                try:
                    while True:
                        line = await asyncio.wait_for(self._reader.readuntil(b"\r\n"), 30)
                        if line == b".\r\n":
                            break
                except Exception:
                    pass
                self.transport.abort()
                return
        return await super().smtp_DATA(arg)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--ready", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--save-dir")
    p.add_argument("--tempfail-every", type=int, default=0)
    p.add_argument("--reject-every", type=int, default=0)
    p.add_argument("--drop-mid-data-every", type=int, default=0)
    p.add_argument("--no-reply-every", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth")
    args = p.parse_args()

    faults = Faults(args)
    handler = Handler(args, faults)
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and args.auth:
            user, password = args.auth.split(":", 1)
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)

    def factory():
        return FaultySMTP(handler, hostname="test.invalid", tls_context=None if args.implicit_tls else context,
                          require_starttls=args.require_tls, auth_required=bool(args.auth),
                          auth_require_tls=True, authenticator=authenticator if args.auth else None,
                          data_size_limit=0, enable_SMTPUTF8=True)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", args.port, reuse_address=True,
                                          ssl=context if args.implicit_tls else None)
        port = server.sockets[0].getsockname()[1]
        tmp = args.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, args.ready)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
