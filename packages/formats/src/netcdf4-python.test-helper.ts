/**
 * Python (netCDF4-python) helpers the HDF5/NetCDF4 tests paste into their reference scripts: names as
 * fieldbench flattens groups, `group/name` for a variable or dim defined in a group.
 */
export const PY_NC_NAMES = `
def prefix(g):
    p = g.path.strip("/")
    return p + "/" if p else ""
def dim_key(v, name):
    g = v.group()
    while name not in g.dimensions: g = g.parent
    return prefix(g) + name
`;
