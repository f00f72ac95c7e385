import type RFB from '@novnc/novnc'
import {
  Alert,
  Button,
  Flex,
  FlexItem,
  Modal,
  ModalBody,
  ModalHeader,
  Slider,
  Spinner,
  ToggleGroup,
  ToggleGroupItem,
} from '@patternfly/react-core'
import { PauseIcon, PlayIcon } from '@patternfly/react-icons'
import { useEffect, useRef, useState } from 'react'
import { parseRecording, RfbReplay, type ReplayChannel } from '../lib/rfb-replay.ts'
import { recordingUrl } from '../lib/recordings.ts'
import '../consoles.css'

const SPEEDS = [1, 2, 4, 8]

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export interface RecordingPlayerProps {
  cluster: string
  namespace: string
  name: string
  id: string
  startedAt: string
  onClose: () => void
}

/** A VNC recording played back in the browser by noVNC, with play/pause, speed and position. */
export function RecordingPlayer({
  cluster,
  namespace,
  name,
  id,
  startedAt,
  onClose,
}: RecordingPlayerProps) {
  const screenRef = useRef<HTMLDivElement>(null)
  const [replay, setReplay] = useState<RfbReplay | null>(null)
  const [error, setError] = useState<string | null>(null)
  /** What the controls show, copied from the replay whenever it changes. */
  const [view, setView] = useState({ playing: false, speed: 1, positionMs: 0, durationMs: 0 })

  useEffect(() => {
    let alive = true
    let rfb: RFB | null = null
    let current: RfbReplay | null = null
    let observer: ResizeObserver | undefined
    const abort = new AbortController()
    void (async () => {
      try {
        const [Rfb, response] = await Promise.all([
          import('@novnc/novnc').then((m) => m.default),
          fetch(recordingUrl(cluster, namespace, name, id), {
            credentials: 'same-origin',
            signal: abort.signal,
          }),
        ])
        if (!response.ok)
          throw new Error(
            response.status === 404
              ? 'This recording does not exist, or you may not see it.'
              : `The recording could not be loaded (${response.status}).`,
          )
        const frames = parseRecording(await response.arrayBuffer())
        if (!alive) return
        const replay = new RfbReplay(frames, {
          connect: (channel: ReplayChannel) => {
            const screen = screenRef.current
            if (!screen) return
            try {
              rfb?.disconnect()
            } catch {
              // already gone
            }
            const client = new Rfb(screen, channel as unknown as WebSocket, { shared: true })
            client.viewOnly = true
            client.scaleViewport = true
            client.background = '#151515'
            // As in the live console: the scale is computed when the size arrives, and stays
            // 0×0 if the dialog was still being laid out then.
            client.addEventListener('connect', () => requestAnimationFrame(() => rescale(client)))
            rfb = client
          },
          update: () => {
            if (alive && current)
              setView({
                playing: current.playing,
                speed: current.speed,
                positionMs: current.positionMs,
                durationMs: current.durationMs,
              })
          },
        })
        current = replay
        observer = new ResizeObserver(() => rfb && rescale(rfb))
        if (screenRef.current) observer.observe(screenRef.current)
        setReplay(replay)
        replay.play()
      } catch (err) {
        if (alive && (err as Error).name !== 'AbortError') setError((err as Error).message)
      }
    })()
    return () => {
      alive = false
      abort.abort()
      current?.stop()
      observer?.disconnect()
      try {
        rfb?.disconnect()
      } catch {
        // already gone
      }
    }
  }, [cluster, namespace, name, id])

  const { playing, speed: chosenSpeed, positionMs: position, durationMs: duration } = view
  return (
    <Modal isOpen variant="large" onClose={onClose} aria-labelledby="recording-player-title">
      <ModalHeader
        title={`VNC recording of ${name}`}
        labelId="recording-player-title"
        description={`Started ${new Date(startedAt).toLocaleString()}. What was typed is not shown, only its effect on the screen.`}
      />
      <ModalBody>
        {error && (
          <Alert isInline variant="danger" title="The recording cannot be played">
            {error}
          </Alert>
        )}
        {!replay && !error && <Spinner size="lg" aria-label="Loading the recording" />}
        <Flex direction={{ default: 'column' }} gap={{ default: 'gapSm' }}>
          <div
            className="vmdeck-console__screen vmdeck-recording__screen"
            ref={screenRef}
            data-testid="recording-screen"
            aria-label={`VNC recording of ${name}`}
          />
          {replay && (
            <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapMd' }}>
              <FlexItem>
                <Button
                  variant="secondary"
                  icon={playing ? <PauseIcon /> : <PlayIcon />}
                  onClick={() => (playing ? replay.pause() : replay.play())}
                >
                  {playing ? 'Pause' : 'Play'}
                </Button>
              </FlexItem>
              <FlexItem>
                <ToggleGroup aria-label="Playback speed">
                  {SPEEDS.map((speed) => (
                    <ToggleGroupItem
                      key={speed}
                      text={`${speed}×`}
                      buttonId={`recording-speed-${speed}`}
                      isSelected={chosenSpeed === speed}
                      onChange={() => replay.setSpeed(speed)}
                    />
                  ))}
                </ToggleGroup>
              </FlexItem>
              <FlexItem grow={{ default: 'grow' }}>
                <Slider
                  thumbAriaLabel="Playback position"
                  data-testid="recording-position"
                  min={0}
                  max={Math.max(1, duration)}
                  step={100}
                  value={position}
                  showBoundaries={false}
                  onChange={(_event, value) => replay.seek(value)}
                />
              </FlexItem>
              <FlexItem>
                <span data-testid="recording-clock">
                  {clock(position)} / {clock(duration)}
                </span>
              </FlexItem>
            </Flex>
          )}
        </Flex>
      </ModalBody>
    </Modal>
  )
}

/** Re-applies the scale setting: noVNC's setter recomputes the canvas size from the container. */
function rescale(rfb: RFB): void {
  rfb.scaleViewport = false
  rfb.scaleViewport = true
}
