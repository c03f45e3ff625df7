"""Import and export of map layers (GeoJSON, KML, Cursor-on-Target, CSV) and WGS-84/GCJ-02.

Plain Python, no Qt: the command line, the tests and the map all use the same readers, so a
file that imports on one workstation imports the same way everywhere.
"""
