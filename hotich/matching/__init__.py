"""The matching engine: is this person of a book already in the population registry?

One Fellegi–Sunter model (:mod:`hotich.matching.model`) over features derived by
:mod:`hotich.matching.features`, with two paths that give the same answers: the interactive
lookup (:func:`hotich.matching.services.lookup`) and batch reconciliation on Splink
(:mod:`hotich.matching.batch`). :mod:`hotich.matching.decide` turns scored candidates into
one of the four outcomes. ``model``, ``features``, ``decide`` and ``batch`` import no Django;
``services`` (the lookup against the registry table) does.
"""
