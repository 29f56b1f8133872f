#!/usr/bin/env python3
"""Readiness checks and set-up of the Apache Kafka peers, for .ci/peers.sh and
tests/peers/bin/kafka-node, with confluent-kafka (librdkafka) from the project's .venv: a Python
start costs a tenth of a JVM's, which counts on two cores.

Every wait has a deadline; with --pid it also stops as soon as that process has died, and with
--log it prints the last lines of that log when it fails. Exit status 0 = ready, 1 = not.

  wait-brokers BOOTSTRAP COUNT       metadata lists COUNT brokers
  wait-group BOOTSTRAP GROUP         the consumer group is Stable
  wait-http URL TEXT                 GET URL answers 200 with TEXT in the body
  wait-file PATH TEXT                the file exists and holds TEXT
  secret-topic --plain B --sasl B --topic T --allow U:P --deny U:P
      creates T (replication 3) with ACLs: U of --allow may do everything on T, U of --deny
      nothing; then checks as both users over SASL/SCRAM that this is what the cluster enforces.
"""
import argparse
import collections
import logging
import os
import sys
import time
import urllib.request

from confluent_kafka import KafkaException, TopicCollection
from confluent_kafka.admin import (AclBinding, AclOperation, AclPermissionType, AdminClient,
                                   NewTopic, ResourcePatternType, ResourceType)


class NotReady(Exception):
    pass


class Recent(logging.Handler):
    """Keeps librdkafka's last log lines (connection refused while a broker starts, ...) for
    the failure message instead of printing them all."""

    def __init__(self):
        super().__init__()
        self.lines = collections.deque(maxlen=5)

    def emit(self, record):
        self.lines.append(record.getMessage())


RECENT = Recent()
CLIENT_LOG = logging.getLogger("peers_admin.librdkafka")
CLIENT_LOG.addHandler(RECENT)
CLIENT_LOG.propagate = False


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited and was not reaped yet is a zombie: dead for our purpose.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def tail(path, n=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError as e:
        return f"(cannot read {path}: {e})\n"


def wait(args, what, probe):
    """Calls probe() until it returns without NotReady, the deadline passes, or --pid dies."""
    deadline = time.monotonic() + args.timeout
    last = "no answer yet"
    while True:
        if not alive(args.pid):
            fail(args, f"{what}: the process ({args.pid}) exited while starting")
        try:
            return probe()
        except (NotReady, KafkaException, OSError) as e:
            last = str(e)
        if time.monotonic() > deadline:
            fail(args, f"{what}: not ready after {args.timeout:.0f} s (last: {last})")
        time.sleep(0.25)


def fail(args, msg):
    print(f"peers: {msg}", file=sys.stderr)
    for line in RECENT.lines:
        print(f"  librdkafka: {line}", file=sys.stderr)
    for log in args.log or []:
        print(f"--- last lines of {log}:", file=sys.stderr)
        print(tail(log), file=sys.stderr, end="")
    sys.exit(1)


def admin(bootstrap, **extra):
    conf = {"bootstrap.servers": bootstrap, "socket.timeout.ms": 3000,
            "socket.connection.setup.timeout.ms": 3000}
    conf.update(extra)
    return AdminClient(conf, logger=CLIENT_LOG)


def wait_brokers(args):
    a = admin(args.bootstrap)

    def probe():
        md = a.list_topics(timeout=3)
        if len(md.brokers) < args.count:
            raise NotReady(f"{len(md.brokers)} of {args.count} brokers in metadata")
    wait(args, f"brokers at {args.bootstrap}", probe)


def wait_group(args):
    a = admin(args.bootstrap)

    def probe():
        d = a.describe_consumer_groups([args.group], request_timeout=3)[args.group].result(5)
        if d.state.name != "STABLE" or not d.members:
            raise NotReady(f"group {args.group} is {d.state.name} with {len(d.members)} members")
    wait(args, f"group {args.group}", probe)


def wait_http(args):
    def probe():
        try:
            with urllib.request.urlopen(args.url, timeout=3) as r:
                body = r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            raise NotReady(f"HTTP {e.code}")
        if args.text not in body:
            raise NotReady(f"{args.text!r} not in the answer: {body[:200]}")
    wait(args, f"GET {args.url}", probe)


def wait_file(args):
    def probe():
        try:
            with open(args.path) as f:
                text = f.read()
        except FileNotFoundError:
            raise NotReady(f"{args.path} does not exist yet")
        if args.text not in text:
            raise NotReady(f"{args.path} holds {text.strip()!r}")
    wait(args, f"{args.path}", probe)


def sasl(bootstrap, user_pw):
    user, pw = user_pw.split(":", 1)
    return admin(bootstrap, **{"security.protocol": "SASL_PLAINTEXT",
                               "sasl.mechanisms": "SCRAM-SHA-512",
                               "sasl.username": user, "sasl.password": pw})


def secret_topic(args):
    a = admin(args.plain)
    t = args.topic
    try:
        a.create_topics([NewTopic(t, 1, 3)])[t].result(30)
    except KafkaException as e:
        if e.args[0].name() != "TOPIC_ALREADY_EXISTS":
            fail(args, f"cannot create {t}: {e}")
    allow, deny = args.allow.split(":")[0], args.deny.split(":")[0]
    acls = [AclBinding(ResourceType.TOPIC, t, ResourcePatternType.LITERAL, f"User:{allow}", "*",
                       AclOperation.ALL, AclPermissionType.ALLOW),
            AclBinding(ResourceType.TOPIC, t, ResourcePatternType.LITERAL, f"User:{deny}", "*",
                       AclOperation.ALL, AclPermissionType.DENY)]
    for f in a.create_acls(acls).values():
        f.result(30)

    # What the cluster enforces, seen by each user (ACLs reach every broker within a moment).
    def describe(client):
        return client.describe_topics(TopicCollection([t]), request_timeout=5)[t].result(10)

    allowed, denied = sasl(args.sasl, args.allow), sasl(args.sasl, args.deny)

    def probe():
        describe(allowed)
        try:
            describe(denied)
        except KafkaException as e:
            if e.args[0].name() == "TOPIC_AUTHORIZATION_FAILED":
                return
            raise
        raise NotReady(f"{deny} can still describe {t}")
    wait(args, f"ACLs on {t}", probe)
    # ...while everything else works for the restricted user.
    md = denied.list_topics(timeout=10)
    if t in md.topics:
        fail(args, f"{deny} sees {t} in the topic list")
    if len(md.brokers) < 1:
        fail(args, f"{deny} sees no broker")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--log", action="append")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("wait-brokers"); p.add_argument("bootstrap"); p.add_argument("count", type=int)
    p = sub.add_parser("wait-group"); p.add_argument("bootstrap"); p.add_argument("group")
    p = sub.add_parser("wait-http"); p.add_argument("url"); p.add_argument("text")
    p = sub.add_parser("wait-file"); p.add_argument("path"); p.add_argument("text")
    p = sub.add_parser("secret-topic")
    for opt in ("--plain", "--sasl", "--topic", "--allow", "--deny"):
        p.add_argument(opt, required=True)
    args = ap.parse_args()
    {"wait-brokers": wait_brokers, "wait-group": wait_group, "wait-http": wait_http,
     "wait-file": wait_file, "secret-topic": secret_topic}[args.cmd](args)


if __name__ == "__main__":
    main()
