"""The rules of the field: what the data means, decided once, with no HTTP and no storage in it.

Every page, API, CSV and command that answers the same question calls the same rule here, so
/motions, /quality and the key-players page cannot disagree about which motions have no follow-up.
"""
