"""Case services, one module per area; views call these, never the models directly."""
