"""The client's case file: the client page that gathers every domain, archiving a client, and the record export.

A page above the domains: it imports them, none of them imports it.
"""
