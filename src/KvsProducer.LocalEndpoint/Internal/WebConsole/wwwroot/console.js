// kvs local console: stream list, a stream's tags and newest fragments, and a live HLS player.
// Test hook: window.kvsConsole.state() reports what the player did (read by the Chromium test).
(function () {
  'use strict';
  const video = document.getElementById('player');
  const statusLine = document.getElementById('status');
  let hls = null;
  let selected = null;
  const state = { stream: null, url: null, playing: false, error: null, currentTime: 0, decodedFrames: 0 };

  function row(cells, header) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement(header ? 'th' : 'td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  }

  async function json(path) {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) {
      throw new Error(path + ': ' + response.status + ' ' + await response.text());
    }
    return response.json();
  }

  async function loadStreams() {
    const list = document.getElementById('streams');
    try {
      const streams = await json('/console/api/streams');
      list.textContent = streams.length === 0 ? 'no streams yet' : '';
      for (const s of streams) {
        const button = document.createElement('button');
        button.textContent = s.StreamName + ' (' + s.FragmentCount + ')';
        button.className = s.StreamName === selected ? 'selected' : '';
        button.onclick = () => select(s.StreamName);
        list.appendChild(button);
      }
    } catch (e) {
      list.textContent = String(e);
    }
  }

  async function loadDetails(name) {
    const details = await json('/console/api/stream?name=' + encodeURIComponent(name));
    const tags = document.getElementById('tags');
    tags.replaceChildren(row(['Key', 'Value'], true));
    for (const [k, v] of Object.entries(details.Tags || {})) tags.appendChild(row([k, v]));
    const fragments = document.getElementById('fragments');
    fragments.replaceChildren(row(['Fragment number', 'Producer time', 'Server time', 'ms', 'bytes'], true));
    for (const f of details.Fragments) {
      fragments.appendChild(row([f.FragmentNumber, new Date(f.ProducerTimestamp * 1000).toISOString(),
        new Date(f.ServerTimestamp * 1000).toISOString(), String(f.FragmentLengthInMilliseconds), String(f.FragmentSizeInBytes)]));
    }
    document.getElementById('title').textContent = name + ' — ' + details.Status + ', retention ' + details.DataRetentionInHours + ' h';
  }

  async function play(name) {
    if (hls) { hls.destroy(); hls = null; }
    state.error = null;
    try {
      const session = await json('/console/api/live?name=' + encodeURIComponent(name));
      state.url = session.HLSStreamingSessionURL;
      statusLine.textContent = 'live: ' + state.url;
      if (!window.Hls || !Hls.isSupported()) {
        state.error = 'Media Source Extensions are not available in this browser';
        statusLine.textContent = state.error;
        return;
      }
      hls = new Hls({ liveSyncDurationCount: 2 });
      hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) { state.error = data.type + ': ' + data.details; statusLine.textContent = state.error; } });
      hls.loadSource(state.url);
      hls.attachMedia(video);
      hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(e => { state.error = String(e); }));
    } catch (e) {
      state.error = String(e);
      statusLine.textContent = state.error;
    }
  }

  async function select(name) {
    selected = name;
    state.stream = name;
    history.replaceState(null, '', '/?stream=' + encodeURIComponent(name));
    await loadDetails(name).catch(e => { statusLine.textContent = String(e); });
    await play(name);
    await loadStreams();
  }

  video.addEventListener('playing', () => { state.playing = true; });
  setInterval(() => {
    state.currentTime = video.currentTime;
    const quality = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
    state.decodedFrames = quality ? quality.totalVideoFrames : 0;
    if (selected) loadDetails(selected).catch(() => {});
  }, 1000);

  window.kvsConsole = { state: () => Object.assign({}, state), select };
  const initial = new URLSearchParams(location.search).get('stream');
  loadStreams().then(() => { if (initial) select(initial); });
})();
