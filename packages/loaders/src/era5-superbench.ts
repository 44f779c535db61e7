import { type Dataset, FieldbenchError, type Sample, makeField } from "@fieldbench/core";
import type { Era5Source } from "./era5.js";

/**
 * Channel 0 of SuperBench's ERA5 set is named "KE at 10 m", but its statistics (mean 6.30, std 3.74)
 * are those of the 10 m wind speed |(u10, v10)| in m/s; kinetic energy per unit mass 0.5 (u10^2 + v10^2)
 * (m^2/s^2) would average about 27. `wind_speed` (the default) reproduces SuperBench; `kinetic_energy`
 * is the quantity the name promises.
 */
export type Era5WindChannel = "wind_speed" | "kinetic_energy";

export interface SuperbenchEra5Options {
  readonly wind?: Era5WindChannel;
  /** Accept grids other than 721 x 1440 (tests, coarse data); the last latitude row is still dropped. */
  readonly anyGrid?: boolean;
}

export interface SuperbenchEra5Sample {
  /** [C, H, W] row-major: C = 3 (wind, t2m, tcwv), H = 720 (90 .. -89.75), W = 1440. */
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number];
  readonly channels: readonly string[];
  readonly time: string;
  readonly latitude: Float64Array;
  readonly longitude: Float64Array;
}

/**
 * Builds one SuperBench-style ERA5 sample [wind at 10 m, T2m, TCWV] on the 0.25-degree grid with the
 * last latitude row (the south pole) dropped, latitudes running north to south as ERA5 stores them.
 */
export async function buildSuperbenchEra5Sample(
  source: Era5Source,
  timeIndex: number,
  options: SuperbenchEra5Options = {},
): Promise<SuperbenchEra5Sample> {
  const nlat = source.latitude.length;
  const nlon = source.longitude.length;
  if (!options.anyGrid && (nlat !== 721 || nlon !== 1440)) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${source.path}: SuperBench ERA5 needs the 721 x 1440 0.25-degree grid, this file has ${nlat} x ${nlon}`,
      { path: source.path },
    );
  }
  const descending = (source.latitude[0] as number) > (source.latitude[nlat - 1] as number);
  const h = nlat - 1;
  const plane = h * nlon;
  const data = new Float32Array(3 * plane);
  // Copy rows north to south, leaving out the southernmost row.
  const put = (channel: number, values: Float32Array) => {
    for (let r = 0; r < h; r++) {
      const src = descending ? r : nlat - 1 - r;
      data.set(values.subarray(src * nlon, (src + 1) * nlon), channel * plane + r * nlon);
    }
  };
  const wind = options.wind ?? "wind_speed";
  const has = (name: string) => source.variables.some((v) => v.short === name);
  if (has("u10") && has("v10")) {
    const u = (await source.readField("u10", timeIndex)).data;
    const v = (await source.readField("v10", timeIndex)).data;
    const w = new Float32Array(u.length);
    for (let i = 0; i < w.length; i++) {
      const e = (u[i] as number) ** 2 + (v[i] as number) ** 2;
      w[i] = wind === "wind_speed" ? Math.sqrt(e) : 0.5 * e;
    }
    put(0, w);
  } else if (wind === "wind_speed" && has("si10")) {
    put(0, (await source.readField("si10", timeIndex)).data);
  } else {
    throw new FieldbenchError(
      "VARIABLE_NOT_FOUND",
      `${source.path}: SuperBench channel 0 needs u10 and v10${wind === "wind_speed" ? " (or si10)" : ""}`,
      { path: source.path },
    );
  }
  put(1, (await source.readField("t2m", timeIndex)).data);
  put(2, (await source.readField("tcwv", timeIndex)).data);
  const rows = Array.from({ length: h }, (_, r) => source.latitude[descending ? r : nlat - 1 - r] as number);
  return {
    data,
    shape: [3, h, nlon],
    channels: [wind === "wind_speed" ? "wind_speed_10m" : "kinetic_energy_10m", "t2m", "tcwv"],
    time: source.times[timeIndex] ?? "",
    latitude: Float64Array.from(rows),
    longitude: source.longitude,
  };
}

/** All times of a source as SuperBench samples, one at a time (a year of hourly ERA5 never sits in memory). */
export function superbenchEra5Dataset(source: Era5Source, options: SuperbenchEra5Options = {}): Dataset {
  return {
    name: `era5:${source.path}`,
    attrs: { layout: source.layout, wind: options.wind ?? "wind_speed" },
    length: source.times.length,
    async *samples(): AsyncIterable<Sample> {
      for (let t = 0; t < source.times.length; t++) {
        const s = await buildSuperbenchEra5Sample(source, t, options);
        const field = makeField({
          name: "era5",
          data: s.data,
          shape: s.shape,
          dims: ["channel", "latitude", "longitude"],
          attrs: { channels: [...s.channels] },
        });
        yield { index: t, time: s.time, fields: { era5: field } };
      }
    },
  };
}
