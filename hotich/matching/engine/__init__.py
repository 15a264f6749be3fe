"""The matching engine core, pure: features, the Fellegi–Sunter model, the decision, batch
scoring on Splink, model files, training and the file contract.

Nothing here imports Django or another hotich app (only :mod:`hotich.lib`); the database
side (candidates from the registry, the active model, recording outcomes) is in
:mod:`hotich.matching.services` and :mod:`hotich.reconciliation`.
"""
