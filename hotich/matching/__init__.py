"""The matching engine: is this person of a book already in the population registry?

The pure core is :mod:`hotich.matching.engine`: one Fellegi–Sunter model
(:mod:`~hotich.matching.engine.model`) over features derived by
:mod:`~hotich.matching.engine.features`, batch scoring on Splink
(:mod:`~hotich.matching.engine.batch`), and :mod:`~hotich.matching.engine.decide`, which turns
scored candidates into one of the four outcomes. It imports no Django. The interactive
lookup and the registry side are in :mod:`hotich.matching.services`; what happens after a
decision (recording it, tracking cases, new personal IDs) is :mod:`hotich.reconciliation`.
"""
