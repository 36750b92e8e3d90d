"""cleanwire's own Scrapy signals (sent with crawler.signals.send_catch_log).

batch_stored / batch_failed: StorePipeline committed (or could not commit) a batch;
everything that passed the pipelines before it is durable (or is not). The shared
Redis queue acks in-flight requests on batch_stored (crawler/shared/scheduler.py).

output_item / output_done: a response's callback yielded an item / has yielded
everything (sent by crawler.shared.scheduler.InflightMiddleware, only on shared-queue crawls).
"""

batch_stored = object()
batch_failed = object()
output_item = object()
output_done = object()
