"""Django building blocks shared by the apps (model fields); no app of its own, no models."""
