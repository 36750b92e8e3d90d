"""cleanwire's own Scrapy signals (sent with crawler.signals.send_catch_log).

batch_cut(batch): StorePipeline cut batch number `batch` from what had passed the pipelines,
and handed it to its writer thread. batch_stored(batch) / batch_failed(batch): that batch
is committed (durable) or could not be; batches finish in the order they were cut. The
shared Redis queue acks the requests finished before a cut once its batch is stored
(crawler/shared/scheduler.py). All three are sent on the reactor thread.

output_item / output_done: a response's callback yielded an item / has yielded
everything (sent by crawler.shared.scheduler.InflightMiddleware, only on shared-queue crawls).
"""

batch_cut = object()
batch_stored = object()
batch_failed = object()
output_item = object()
output_done = object()
