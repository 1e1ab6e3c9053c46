// An ECharts canvas for a component: made on the element once mounted, resized with it, disposed
// on unmount. The monitor's history chart and the lab's metric charts draw through it.
import { onBeforeUnmount, onMounted, shallowRef, type Ref, type ShallowRef } from 'vue';
import { echarts } from '../components/monitor/echarts';

/** The chart on `el`, null until mounted and after unmount; `ready` runs once it exists. */
export function useEChart(el: Readonly<Ref<HTMLElement | null>>, ready: () => void): ShallowRef<echarts.ECharts | null> {
  const chart = shallowRef<echarts.ECharts | null>(null);
  let resizer: ResizeObserver | null = null;

  onMounted(() => {
    if (!el.value) return;
    const c = echarts.init(el.value, null, { renderer: 'canvas' });
    chart.value = c;
    resizer = new ResizeObserver(() => c.resize());
    resizer.observe(el.value);
    ready();
  });

  onBeforeUnmount(() => {
    resizer?.disconnect();
    chart.value?.dispose();
    chart.value = null;
  });

  return chart;
}
