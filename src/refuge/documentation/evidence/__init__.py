"""Evidence files and their chain of custody.

The style guide names a separate `evidence` app; the project's INSTALLED_APPS is fixed, so it
lives here as a sub-package of documentation (its models are registered by
documentation.models and its tables carry the documentation label).
"""
