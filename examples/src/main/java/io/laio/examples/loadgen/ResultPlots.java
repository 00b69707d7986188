/*
 * Copyright 2026 the laio authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.laio.examples.loadgen;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of results against the number of clients, one line per label, like the LAIO
 * paper's Figures 7–11: {@code throughput.png} (Mbit/s) and {@code response-time.png} (mean
 * milliseconds).
 */
final class ResultPlots {
    static final String THROUGHPUT = "throughput.png";
    static final String RESPONSE_TIME = "response-time.png";

    private ResultPlots() {
    }

    /** Writes both plots into {@code dir}; returns their paths. */
    static List<Path> write(List<RunResult> rows, Path dir, String title) throws IOException {
        Files.createDirectories(dir);
        Path t = dir.resolve(THROUGHPUT);
        Path r = dir.resolve(RESPONSE_TIME);
        save(chart(rows, title + ": throughput", "Throughput (Mbit/s)", RunResult::mbps), t);
        save(chart(rows, title + ": response time", "Mean response time (ms)", RunResult::meanMs), r);
        return List.of(t, r);
    }

    private static XYChart chart(List<RunResult> rows, String title, String yTitle, ToDoubleFunction<RunResult> y) {
        XYChart chart = new XYChartBuilder().width(800).height(560).title(title).xAxisTitle("Number of clients").yAxisTitle(yTitle)
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        Map<String, List<RunResult>> byLabel = new LinkedHashMap<>();
        for (RunResult row : rows) {
            byLabel.computeIfAbsent(row.label(), k -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<String, List<RunResult>> e : byLabel.entrySet()) {
            List<RunResult> rs = e.getValue();
            double[] xs = new double[rs.size()];
            double[] ys = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                xs[i] = rs.get(i).clients();
                ys[i] = y.applyAsDouble(rs.get(i));
            }
            chart.addSeries(e.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
