"""aio-pika (asyncio, over aiormq): the core paths of a client."""
import asyncio
import uuid

import aio_pika
import aiormq
import pytest

pytestmark = pytest.mark.client("aio-pika")

TIMEOUT = 10  # seconds: each test's whole conversation is bounded by it


def name():
    return f"aiopika-{uuid.uuid4().hex[:8]}"


def run(amqp_url, scenario, **channel_args):
    """Runs `await scenario(channel)` on a fresh connection, bounded by TIMEOUT."""
    async def main():
        async with asyncio.timeout(TIMEOUT):
            connection = await aio_pika.connect(amqp_url)
            try:
                return await scenario(await connection.channel(**channel_args))
            finally:
                await connection.close()
    return asyncio.run(main())


def test_declare_queue(amqp_url):
    async def scenario(channel):
        queue = await channel.declare_queue(name())
        again = await channel.declare_queue(queue.name, passive=True)
        assert (again.declaration_result.message_count, again.declaration_result.consumer_count) == (0, 0)
        await queue.delete()
        with pytest.raises(aiormq.exceptions.ChannelNotFoundEntity):
            await channel.declare_queue(queue.name, passive=True)
    run(amqp_url, scenario)


def test_publish_consume_ack(amqp_url):
    async def scenario(channel):
        queue = await channel.declare_queue(name())
        for i in range(3):
            await channel.default_exchange.publish(aio_pika.Message(f"{i}".encode()), queue.name)
        bodies = []
        async with queue.iterator() as messages:
            async for message in messages:
                await message.ack()
                bodies.append(message.body)
                if len(bodies) == 3:
                    break
        assert bodies == [b"0", b"1", b"2"]
        # After the cancel's round trip the acks are settled: nothing comes back.
        assert await queue.get(fail=False) is None
        await queue.delete()
    run(amqp_url, scenario)


def test_publisher_confirms(amqp_url):
    async def scenario(channel):
        queue = await channel.declare_queue(name())
        confirms = await asyncio.gather(*(channel.default_exchange.publish(aio_pika.Message(f"{i}".encode()),
                                                                          queue.name) for i in range(20)))
        assert all(isinstance(c, aiormq.spec.Basic.Ack) for c in confirms)
        again = await channel.declare_queue(queue.name, passive=True)
        assert again.declaration_result.message_count == 20
        await queue.delete(if_empty=False)
    run(amqp_url, scenario, publisher_confirms=True)


async def refuse_then_receive_again(channel, refuse):
    queue = await channel.declare_queue(name())
    await channel.default_exchange.publish(aio_pika.Message(b"again"), queue.name)
    seen = []
    async with queue.iterator() as messages:
        async for message in messages:
            seen.append((message.body, message.redelivered))
            if len(seen) == 1:
                await refuse(message)
            else:
                await message.ack()
                break
    assert seen == [(b"again", False), (b"again", True)]
    await queue.delete()


def test_nack_requeue_sets_redelivered(amqp_url):
    run(amqp_url, lambda channel: refuse_then_receive_again(channel, lambda m: m.nack(requeue=True)))


def test_reject_requeue_sets_redelivered(amqp_url):
    run(amqp_url, lambda channel: refuse_then_receive_again(channel, lambda m: m.reject(requeue=True)))


def test_basic_get(amqp_url):
    async def scenario(channel):
        queue = await channel.declare_queue(name())
        for body in (b"one", b"two"):
            await channel.default_exchange.publish(aio_pika.Message(body), queue.name)
        first = await queue.get()
        assert (first.body, first.message_count, first.redelivered) == (b"one", 1, False)
        await first.ack()
        second = await queue.get(no_ack=True)
        assert (second.body, second.message_count) == (b"two", 0)
        assert await queue.get(fail=False) is None
        await queue.delete()
    run(amqp_url, scenario)


def test_mandatory_return(amqp_url):
    async def scenario(channel):
        exchange = await channel.get_exchange("amq.direct")
        with pytest.raises(aiormq.exceptions.PublishError) as returned:
            await exchange.publish(aio_pika.Message(b"nowhere"), name(), mandatory=True)
        frame = returned.value.frame
        assert (frame.reply_code, frame.reply_text) == (312, "NO_ROUTE")
        assert returned.value.message.body == b"nowhere"
    run(amqp_url, scenario, publisher_confirms=True, on_return_raises=True)
