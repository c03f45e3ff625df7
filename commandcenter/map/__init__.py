"""The map's Qt-free half: the page builder, its local assets and the bridge message schema."""
