"""After the matching engine decides: outcomes recorded, tracking cases, new personal IDs.

What :mod:`hotich.matching` decided for a person of an entry is recorded here
(:class:`~hotich.reconciliation.models.MatchResult`) and carried into the work of the
commune: a discrepancy opens a case on the *Danh sách theo dõi riêng*
(:class:`~hotich.reconciliation.models.TrackingCase`), someone the registry does not know
is issued a personal ID, and an entry whose people are all settled becomes "reconciled".
Keying, review and exchange call these services; this app imports none of them.
"""
