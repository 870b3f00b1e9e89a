#!/usr/bin/env python3
"""Read Albatross's events from RabbitMQ, as a program outside would.

    python3 consumer.py AMQP_URL EXCHANGE QUEUE BINDING [COUNT]

for example

    python3 consumer.py amqp://guest:guest@localhost:5672/ albatross.events my-app 'speedbird.#'

declares the durable queue QUEUE, binds it to the relay's exchange with
BINDING ('#' for everything, 'speedbird.#' for one airline,
'*.albatross.events.v1.PirepFiled' for one type of every airline), and
prints each event as a line of JSON, COUNT of them or until interrupted.

It needs pika and protobuf (Debian: apt-get install python3-pika
python3-protobuf) and the event classes, generated once from the
repository's root with protoc, the directory they are written to on
PYTHONPATH:

    protoc -I . --python_out=gen domain/events/v1/*.proto
    PYTHONPATH=gen python3 consumer.py ...

The relay publishes each event at least once: after a crash it sends the
last events again. They come in the log's order, so a consumer drops a
repeat by keeping the last position it handled (the position_commit and
position_seq headers, compared as a pair) and skipping any message that
does not come after it. Keep that position with what the consumer does
with the event (in the same transaction), and a crash of either side
loses nothing and applies nothing twice.
"""
import importlib
import json
import pkgutil
import sys

import pika
from google.protobuf import descriptor_pool, json_format

import domain.events.v1 as events_v1

# Load every generated module, so that each event type can be looked up
# by the name in its "type" header.
for module in pkgutil.iter_modules(events_v1.__path__):
    importlib.import_module("domain.events.v1." + module.name)


def message_class(type_name):
    """The generated class of an event type, such as albatross.events.v1.PirepFiled."""
    descriptor = descriptor_pool.Default().FindMessageTypeByName(type_name)
    try:
        from google.protobuf import message_factory
        return message_factory.GetMessageClass(descriptor)
    except (ImportError, AttributeError):  # protobuf before 4.21
        from google.protobuf import symbol_database
        return symbol_database.Default().GetPrototype(descriptor)


def main():
    url, exchange, queue, binding = sys.argv[1:5]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else None
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    # The same declaration as the relay's: a durable topic exchange.
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
    channel.queue_declare(queue=queue, durable=True)
    channel.queue_bind(queue=queue, exchange=exchange, routing_key=binding)
    print(json.dumps({"ready": queue}), flush=True)

    last = None  # (commit, seq) of the last event handled
    handled = 0
    for method, properties, body in channel.consume(queue):
        headers = properties.headers or {}
        position = (headers["position_commit"], headers["position_seq"])
        if last is not None and position <= last:
            channel.basic_ack(method.delivery_tag)  # a repeat: handled before
            continue
        event = message_class(headers["type"])()
        event.ParseFromString(body)
        print(json.dumps({
            "position": headers["position"],
            "routing_key": method.routing_key,
            "type": headers["type"],
            "tenant": headers["tenant"],
            "stream": headers["stream"],
            "time": headers["time"],
            "event": json_format.MessageToDict(event),
        }), flush=True)
        last = position
        channel.basic_ack(method.delivery_tag)
        handled += 1
        if count is not None and handled >= count:
            break
    channel.cancel()
    connection.close()


if __name__ == "__main__":
    main()
