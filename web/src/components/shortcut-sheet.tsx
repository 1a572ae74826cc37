/** The queue's keyboard shortcuts (opened with ?): its own chunk (React Aria's modal), loaded when first opened. */
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Button } from './button';

const shortcuts: [keys: string[], what: string][] = [
  [['j'], 'Next ticket'],
  [['k'], 'Previous ticket'],
  [['Enter'], 'Open the focused ticket'],
  [['x'], 'Select or unselect the focused ticket'],
  [['/'], 'Search'],
  [['?'], 'This list of shortcuts'],
  [['Esc'], 'Close this list'],
];

export function ShortcutSheet({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <ModalOverlay isOpen={isOpen} onOpenChange={onOpenChange} isDismissable className="fixed inset-0 z-20 flex items-center justify-center bg-slate-950/50 p-4">
      <Modal className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-700 dark:bg-slate-900">
        <Dialog className="flex flex-col gap-4 outline-none">
          {({ close }) => (
            <>
              <Heading slot="title" className="text-lg font-semibold">
                Keyboard shortcuts
              </Heading>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
                {shortcuts.map(([keys, what]) => (
                  <div key={what} className="contents">
                    <dt>
                      {keys.map((key) => (
                        <kbd key={key} className="rounded border border-slate-300 px-1.5 py-0.5 font-mono dark:border-slate-600">
                          {key}
                        </kbd>
                      ))}
                    </dt>
                    <dd>{what}</dd>
                  </div>
                ))}
              </dl>
              <Button tone="secondary" onPress={close} className="self-end">
                Close
              </Button>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
