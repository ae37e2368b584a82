"""PDFs: `documents` makes them in a request; `rendering` and `fetcher` are the bounded worker and its URL fetcher.

Kept light on purpose: the render worker process imports this package.
"""
