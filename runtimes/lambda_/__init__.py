"""Lambda tier: the real AWS Lambda Python runtime client (``awslambdaric``, its C++ runtime_client
included) in its real loop, against :class:`~runtimes.lambda_.api.RuntimeAPI` on 127.0.0.1."""
